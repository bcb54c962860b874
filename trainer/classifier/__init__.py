"""The animated-vs-normal style classifier: dataset, training, export, evaluation."""

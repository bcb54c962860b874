"""The bundled YOLOv8n-seg students (yolo_normal, yolo_animated): data, training, evaluation."""

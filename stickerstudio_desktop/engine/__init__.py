"""Cut-out models behind one Pipeline: load, classify, segment, choose subjects, refine."""

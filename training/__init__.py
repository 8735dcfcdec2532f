"""Training scripts (need torch: ``pip install torch==2.13.0`` first). Nothing here runs at question time."""

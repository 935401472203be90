"""Views of the provision app, one module per feature."""

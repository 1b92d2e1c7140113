"""Models of this part."""

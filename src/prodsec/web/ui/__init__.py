"""Server-rendered pages, readable without JavaScript."""

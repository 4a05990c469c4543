"""The web app: the REST API under /api/v1 and server-rendered pages."""

"""The REST API under /api/v1: public catalog routes and private product routes."""

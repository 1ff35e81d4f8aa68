"""Web surfaces: HTML pages and the JSON API."""

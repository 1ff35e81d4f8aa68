"""Componentenwijzer: the catalogue of shared software components."""

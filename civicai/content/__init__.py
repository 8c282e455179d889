"""Dated content facts: each module's « état du droit » and the notebooks' check dates."""

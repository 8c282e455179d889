"""« La carte des opinions »: a debate the group votes on, mapped with unsupervised learning.

``store`` keeps debates, statements and pseudonymous votes in SQLite; ``opinion_map`` turns the vote
matrix into a map (PCA, k-means, distinctive and consensus statements); ``service`` is the hub service
that participants and facilitators use; ``export`` writes the convention's CSV and PDF.
"""

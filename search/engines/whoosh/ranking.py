"""The ranking every Whoosh searcher of the engine uses, apart from the finding code: opening a
searcher (a listing of meetings, a stored item) must not import numpy and the query machinery."""
from whoosh import scoring

RANKING = scoring.BM25F()  # field weights are query boosts (search.query.FIELD_BOOSTS)

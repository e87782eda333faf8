namespace w2v {}

"""Writes of pairing, by subject: ``pairings`` (who may pair, how a household's pairings chain,
hand-overs, village pairings, cadres' accounts), ``teams`` (units' village work teams) and
``residents`` (postings and leave). Import from the module of the subject."""

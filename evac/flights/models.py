# Flights and seat assignments will live here. The seat allocation engine (allocation.py and its
# siblings) is plain Python over dataclasses and needs no model.

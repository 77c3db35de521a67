"""Time and working days in mainland China: the clock and the deadline calendar."""

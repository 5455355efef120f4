"""Write paths: each function is one complete, atomic change to the market's state."""

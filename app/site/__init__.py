"""Public pages: the landing page about the festival, the incubator and the Denpasar–Darwin partnership."""

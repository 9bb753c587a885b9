"""Import of existing registers (Bawaslu, LAPOR!, SIGAP, BKN) into intake, and reconciliation across sources."""

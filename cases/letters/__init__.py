"""Official letters (naskah dinas): Indonesian dates (``dates``) and a
database-free WeasyPrint renderer (``render``): plain dict in, PDF bytes out."""

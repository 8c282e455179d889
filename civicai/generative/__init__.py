"""Module 4 « L'IA générative, chez nous »: the kit's own small French model, its shared server, the notebooks' client."""

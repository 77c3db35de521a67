"""量化评价、评先评优、通报批评: figures computed from case data, and the criticism records."""

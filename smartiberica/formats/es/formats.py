# Amounts read "12.345,67 €", as CLDR, the cooperative's accounts and its bank write Spanish.
# Django's own es formats group with a no-break space: only the thousands separator is set here,
# everything else comes from them.
THOUSAND_SEPARATOR = "."

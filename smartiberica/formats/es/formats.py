# Amounts read "12.345,67 €", as the cooperative's accounts and its bank show
# them; everything not set here comes from Django's own locale formats.
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3

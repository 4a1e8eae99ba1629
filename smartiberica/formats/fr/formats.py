# Amounts read "12 345,67 €" as CLDR writes French: a narrow no-break space (U+202F) between
# thousands (Django's own fr formats use U+00A0); everything not set here comes from them.
THOUSAND_SEPARATOR = "\u202f"

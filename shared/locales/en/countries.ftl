# The country list on My data (the names come from shared/data/country-names.tsv).
page-country-choose = Choose a country

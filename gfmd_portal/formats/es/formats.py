# Django's Spanish formats, but short dates in words: "1 dic 2026" ("N" mixes "Ene." and
# "marzo"; "b" gives every month its three lowercase letters, as Spanish abbreviates them).
SHORT_DATE_FORMAT = "j b Y"
SHORT_DATETIME_FORMAT = "j b Y, H:i"

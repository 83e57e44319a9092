# Django's Spanish formats, but short dates in words: "1 dic. 2026".
SHORT_DATE_FORMAT = "j N Y"
SHORT_DATETIME_FORMAT = "j N Y, H:i"

# Django's French formats, but short dates in words: "1 déc. 2026" ("N": "M" gives "Jui"
# for both juin and juillet).
SHORT_DATE_FORMAT = "j N Y"
DATETIME_FORMAT = r"j F Y \à H:i"
SHORT_DATETIME_FORMAT = "j N Y, H:i"

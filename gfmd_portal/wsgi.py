import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gfmd_portal.settings")
application = get_wsgi_application()

# What start-up made (modules, settings, models, about 90,000 objects) lives as long as the
# worker: keep the garbage collector from scanning it again at each full collection, which
# paused requests now and then (bench/RESULTS.md, item 23).
gc.freeze()

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenwu.settings")
application = get_wsgi_application()

# A server process loads at start what its first requests would wait for (core.warmup); with
# gunicorn --preload once in the master, shared by the workers. ZHENWU_WARM=0 turns it off.
if os.environ.get("ZHENWU_WARM", "1") != "0":
    from zhenwu.core.warmup import warm

    warm()

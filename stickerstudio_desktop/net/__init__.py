"""Network access for every part of the app: one bounded HTTP request (``net.http.fetch``)."""

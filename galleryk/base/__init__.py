"""The bottom layer, shared by every other: errors and their reasons, settings, the cache folder, results.

Nothing here knows a service: :mod:`.errors` (the exception family and secret masking),
:mod:`.settings` (credentials from the environment or a config file), :mod:`.cachedir`
(where galleryk keeps files), :mod:`.results` (what an upload returns), :mod:`.problems`
(an error in plain words and what would fix it, for every front end).
"""

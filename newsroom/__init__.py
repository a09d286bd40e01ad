"""newsroom: a terminal press office.

Kept empty on purpose: importing the package must stay cheap so that
``newsroom list`` never pays for Textual or Rich.
"""

__version__ = "0.1.0"

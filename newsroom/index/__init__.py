"""The library index: what ``newsroom list`` shows, cached per release.

Reading and parsing 10,000 ``release.toml`` files takes seconds; listing a
library whose files have not changed should take about as long as starting
Python. So each release's list row is kept in ``drafts/.newsroom/index.jsonl``
keyed by the ``lstat`` stamps of its ``release.toml`` and ``body.md``.

The index is a cache and never trusted over the files:

- An entry is used only while both files still have the size, mtime, ctime
  and inode it was built from; anything else re-reads that release alone.
- Everything a row depends on outside its bundle is stamped in the header
  (``newsroom.toml``, ``people.toml``, the ``allowed_signers`` file, and
  newsroom's own source files that derive rows): if any changes, every row
  is re-derived.
- The header holds a format version, the entry count and a CRC-32 of the
  entries: a truncated, corrupt or foreign file is rebuilt from scratch.
- A file modified within ``RACY_NS`` of the scan is read but not stored (as
  git does with racily clean entries): an edit in the same clock tick, same
  size, could otherwise hide behind an unchanged stamp.
- Stamps are taken from the open file before it is read, so a file changed
  while we read it never gets stored under its new stamp with old content.
- Written with ``bundle.atomic_write``; a read-only library still lists, it
  just does not write the index.
- The library folder's own stamp (mtime, ctime, inode) is kept too, when
  every folder in it is a release the index holds: while it is unchanged no
  folder was added, removed or renamed, so the folder is not listed again.
  The files in each release are still stamped, every time.

Format (UTF-8, see ``store.Stored``): a JSON header line; the slugs as a JSON
array; every release's two stamps packed as little-endian 64-bit integers, in
hex; a valid/invalid flag per release; and the rows exactly as ``list --json``
prints them. A warm listing compares one packed string of fresh stamps with
the stored one and writes the stored rows out as they are: nothing per
release is parsed, formatted or copied.

The modules, in the order a listing uses them:

- ``stamps``: the stamps of files and folders, taken without reading them.
- ``store``: the index file, read, checked and written.
- ``reader``: one release's row, read from its files (``summary``).
- ``listing``: ``listing()`` and ``Listing``, the rows and how they were obtained.

Core package: no Textual, no Rich. Only ``reader`` imports ``bundle`` and
``workflow``, and only ``listing`` imports ``reader``, when a release has to be
read, so the warm path stays cheap. This ``__init__`` imports nothing.
"""

"""The archive's own export record and the files made of it, for researchers:

- `fields`: the record's fields and the CSV columns they flatten into, written once;
- `table`: the one query that reads every petition's record as a row, and its two
  views, CSV cells and the record (JSON, and the House's XML);
- `lines`: each petition's CSV and JSON line, built once and kept; the streams the
  site serves and the export command writes;
- `codecs`: this project's JSON and CSV files read back for import;
- `views`: the export downloads and the data dictionary page."""

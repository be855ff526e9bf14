// An ingest app in JavaScript for Node.js 16+ (docs/ingest-apps.md): the customer's CSV file on standard input, one
// JSON line per record on standard output. No packages.
//
//   {"table": "<DELPHA_TABLE>", "line": n, "row": {"column": "text", ...}}   a record, for the manager to validate
//   {"bad": "why", "line": n, "original": "text"}                             a record this app cannot read
//
// RFC 4180: quoted fields keep commas, line breaks and doubled quotes. An empty unquoted field is left out of the row
// (the column stays unset); the manager converts every value with the table's CQL types. Try it without a manager:
//
//   DELPHA_TABLE=orders node orders_app.js < orders.csv
'use strict';

const table = process.env.DELPHA_TABLE || 'data';
const out = [];
let pending = 0;
let header = null;
let count = 0;

// parser state, kept across chunks
let fields = [];
let quoted = [];
let field = '';
let inQuotes = false;
let wasQuoted = false;
let afterQuote = false;
let error = null;
let raw = '';
let line = 1;
let start = 1;

function flush(force) {
  if (out.length && (force || pending > 1 << 16)) {
    process.stdout.write(out.join(''));
    out.length = 0;
    pending = 0;
  }
}

function emit(obj) {
  const s = JSON.stringify(obj) + '\n';
  out.push(s);
  pending += s.length;
  flush(false);
}

function endRecord() {
  fields.push(field);
  quoted.push(wasQuoted);
  if (!(fields.length === 1 && field === '' && !wasQuoted)) {
    if (header === null) {
      header = fields.map((h) => h.trim());
    } else if (error || fields.length !== header.length) {
      emit({ bad: error || `expected ${header.length} fields, found ${fields.length}`, line: start, original: raw });
    } else {
      const row = {};
      for (let i = 0; i < header.length; i++) {
        if (fields[i] !== '' || quoted[i]) row[header[i]] = fields[i];
      }
      emit({ table, line: start, row });
      count++;
    }
  }
  fields = [];
  quoted = [];
  field = '';
  wasQuoted = false;
  afterQuote = false;
  error = null;
  raw = '';
  start = line;
}

function feed(text) {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQuotes) {
      if (c === '"') {
        inQuotes = false;
        afterQuote = true;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      raw += c;
      continue;
    }
    if (c === '"' && afterQuote) { // a doubled quote inside quotes
      field += '"';
      inQuotes = true;
      afterQuote = false;
      raw += c;
      continue;
    }
    if (c === '"' && field === '' && !wasQuoted) {
      inQuotes = true;
      wasQuoted = true;
      raw += c;
      continue;
    }
    if (c === ',') {
      fields.push(field);
      quoted.push(wasQuoted);
      field = '';
      wasQuoted = false;
      afterQuote = false;
      raw += c;
      continue;
    }
    if (c === '\r') continue;
    if (c === '\n') {
      line++;
      endRecord();
      continue;
    }
    if (afterQuote && !error) error = 'text after a closing quote';
    field += c;
    raw += c;
  }
}

process.stdin.setEncoding('utf8');
process.stdin.on('data', feed);
process.stdin.on('end', () => {
  if (inQuotes) error = 'unclosed quote';
  if (field !== '' || fields.length || wasQuoted) endRecord();
  flush(true);
  process.stderr.write(`javascript app: ${count} records from ${process.env.DELPHA_FILE_NAME || 'stdin'}\n`);
});

// RFC 4180 CSV: quoted fields may hold commas, line breaks and doubled quotes; records end with LF or CRLF.
// Each record keeps the line it starts on, so problems point at the right place in the file.

export interface CsvRecord {
  fields: string[];
  line: number; // 1-based line where the record starts
  error?: string; // the record is malformed; its fields are a best effort
}

export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let i = 0;
  let line = 1;
  while (i < text.length) {
    const record: CsvRecord = { fields: [], line };
    for (;;) {
      let value = '';
      const quoted = text[i] === '"';
      if (quoted) {
        let j = i + 1;
        for (;;) {
          const quote = text.indexOf('"', j);
          if (quote < 0) {
            record.error ??= `unterminated quoted field (opened on line ${line})`;
            value += text.slice(j);
            j = text.length;
            break;
          }
          value += text.slice(j, quote);
          j = quote + 1;
          if (text[j] !== '"') break;
          value += '"'; // "" inside quotes is one literal quote
          j++;
        }
        line += countLineFeeds(text, i, j);
        i = j;
      }
      // Unquoted text runs to the next comma or line end. A stray quote inside it is kept as is (5" screen),
      // as most writers produce that; text after a closing quote is an error.
      const end = fieldEnd(text, i);
      if (quoted && end > i) record.error ??= `unexpected text after a closing quote on line ${line}`;
      value += text.slice(i, end);
      record.fields.push(value);
      i = end;
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '\r') i++; // fieldEnd stops at \r only when \n follows
      if (text[i] === '\n') {
        i++;
        line++;
      }
      break;
    }
    records.push(record);
  }
  return records;
}

/** Index of the comma, CRLF or LF that ends an unquoted field starting at `from`. */
function fieldEnd(text: string, from: number): number {
  for (let k = from; k < text.length; k++) {
    const c = text[k];
    if (c === ',') return k;
    if (c === '\n') return k > from && text[k - 1] === '\r' ? k - 1 : k;
  }
  return text.length;
}

function countLineFeeds(text: string, from: number, to: number): number {
  let count = 0;
  for (let k = text.indexOf('\n', from); k >= 0 && k < to; k = text.indexOf('\n', k + 1)) count++;
  return count;
}

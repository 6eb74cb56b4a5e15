/**
 * Builds common-passwords.txt: passwords people pick that are long enough to pass the length
 * rule (12+), assembled from the well-known patterns of public breach corpora (top base words,
 * keyboard walks, digit runs, years, leetspeak and trailing punctuation). It is regenerated
 * with `npx tsx server/auth/build-common-passwords.ts` and committed; no download involved.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const baseWords = `password passw0rd p@ssword p@ssw0rd pass qwerty qwertz azerty letmein welcome admin administrator
iloveyou monkey dragon football baseball basketball soccer hockey sunshine princess trustno1 master shadow superman batman
spiderman michael jennifer jordan hunter ranger harley charlie thomas robert daniel jessica ashley michelle andrew joshua
matthew summer winter spring autumn freedom whatever starwars pokemon computer internet secret changeme default login
access hello loveme lovely flower cookie chocolate banana orange purple yellow silver golden diamond mustang ferrari
porsche corvette chelsea arsenal liverpool barcelona manchester newyork london berlin paris company plant plantdesk
operator operations northfield factory maintenance production engineer security test testing guest user root toor
abc abcdef abcdefg abcd qazwsx zaq1 zxcvbn asdf asdfgh 1q2w3e samsung apple google microsoft windows linux ubuntu
oracle mysql postgres database server network system office monday friday january december killer pepper ginger
tigger buster soccer1 blink182 matrix hannah amanda nicole daniel1 jasmine angel angels babygirl baby lovers forever
mother father family friends sweet sweetheart honey heart beautiful pretty happy smile money business success
america canada germany england france italia espana mexico brasil india china russia ukraine europe world universe
galaxy rainbow unicorn butterfly tiger lion eagle falcon phoenix wolf bear shark panther cobra viper thunder lightning
storm fire water earth ocean river mountain forest garden nature coffee pizza burger whiskey vodka beer guitar music
rockstar gamer player minecraft fortnite roblox zelda mario nintendo playstation xbox`.split(/\s+/);

const suffixes = ['', '1', '12', '123', '1234', '12345', '123456', '1234567', '12345678', '123456789', '1234567890', '!', '1!', '12!',
  '123!', '1234!', '!!', '!!!', '01', '007', '69', '99', '00', '@123', '#1', '#123', '$', '123$', '.', '?', '11', '22', '321', '4321',
  ...Array.from({ length: 37 }, (_, i) => String(1990 + i)), ...Array.from({ length: 37 }, (_, i) => `${1990 + i}!`),
  ...Array.from({ length: 10 }, (_, i) => `@${2017 + i}`)];

const walks = ['qwertyuiop', 'qwertyuiopasdf', 'qwertyuiop123', 'asdfghjkl', 'asdfghjkl123', 'asdfghjkl;', 'zxcvbnm123', 'zxcvbnm,./',
  '1qaz2wsx', '1qaz2wsx3edc', '1qaz2wsx3edc4rfv', 'qazwsxedc', 'qazwsxedcrfv', 'qazwsxedcrfvtgb', '1q2w3e4r', '1q2w3e4r5t',
  '1q2w3e4r5t6y', '1q2w3e4r5t6y7u', 'zaq12wsx', 'zaq12wsxcde3', 'zaq1xsw2cde3', '!qaz@wsx', '!qaz@wsx#edc', 'q1w2e3r4t5y6',
  'a1s2d3f4g5h6', '1234qwer', '1234qwerasdf', 'qwer1234', 'qwerasdfzxcv', 'qweasdzxc', 'qweasdzxc123', 'poiuytrewq', 'mnbvcxz',
  'lkjhgfdsa', 'abcdefghijkl', 'abcdefghijklmnop', 'abc123abc123', 'abcd1234abcd', 'a1b2c3d4e5f6', 'aaaaaaaaaaaa', 'zzzzzzzzzzzz',
  'qqqqqqqqqqqq', 'xxxxxxxxxxxx'];

const digitRuns = ['123456789012', '1234567890123', '12345678901234', '123456789000', '111111111111', '000000000000',
  '121212121212', '123123123123', '987654321098', '098765432109', '123456123456', '112233445566', '111222333444',
  '147258369147', '159357159357', '246813579111', '010101010101', '999999999999', '888888888888', '777777777777',
  '666666666666', '555555555555', '444444444444', '333333333333', '222222222222', '123321123321', '789456123789'];

const phrases = ['correcthorsebatterystaple', 'iloveyouforever', 'iloveyousomuch', 'letmeinplease', 'trustnoone123', 'thequickbrownfox',
  'opensesame123', 'passwordpassword', 'mypasswordis', 'thisismypassword', 'changemeplease', 'welcometothejungle',
  'hellohellohello', 'youshallnotpass', 'maytheforcebewithyou', 'itsasecret123', 'nopasswordhere', 'donotforget',
  'rememberme123', 'qwertyqwerty', 'asdfasdfasdf', 'adminadminadmin', 'testtesttest', 'loveloveLove', 'blahblahblah'];

const leet: Record<string, string> = { a: '@', o: '0', e: '3', i: '1', s: '$' };
const toLeet = (word: string) => word.replace(/[aoeis]/g, (char) => leet[char]);

const list = new Set<string>();
const add = (candidate: string) => {
  const normalized = candidate.normalize('NFKC').toLowerCase();
  if ([...normalized].length >= 12) list.add(normalized);
};

const top = baseWords.slice(0, 40);
for (const word of [...baseWords, ...walks]) {
  for (const suffix of suffixes) {
    add(word + suffix);
    if (top.includes(word)) add(toLeet(word) + suffix);
  }
  add(word + word);
  add(word.repeat(3));
}
for (const first of top) for (const second of top) if (first !== second) add(first + second);
for (const run of [...digitRuns, ...phrases]) for (const suffix of ['', '1', '!', '123']) add(run + suffix);

const header = [
  '# Common and breached password patterns, 12+ characters, lowercase, NFKC.',
  '# Generated by server/auth/build-common-passwords.ts; edit that file, not this one.',
];
const target = fileURLToPath(new URL('./common-passwords.txt', import.meta.url));
writeFileSync(target, `${[...header, ...[...list].sort()].join('\n')}\n`);
console.log(`${list.size} passwords written to ${target}`);

/**
 * A bundled list of the most common passwords of at least 8 characters, compared lower-cased
 * after NFKC normalisation. Shorter ones are already refused by the length rule. Sources: the
 * public top-password lists that OWASP and NIST SP 800-63B point to (breach corpora), trimmed to
 * entries the length rule would let through.
 */
const list = `
password password1 password12 password123 password1234 passw0rd p@ssw0rd p@ssword pa$$w0rd passwort
12345678 123456789 1234567890 12345678910 0123456789 987654321 9876543210 11111111 111111111 1111111111
00000000 000000000 0000000000 22222222 88888888 99999999 12341234 12121212 11223344 12344321 123123123
123321123 147258369 159753456 1q2w3e4r 1q2w3e4r5t 1q2w3e4r5t6y 1qaz2wsx 1qazxsw2 zaq12wsx zaq1zaq1 q1w2e3r4
q1w2e3r4t5 qwertyui qwertyuiop qwerty12 qwerty123 qwerty1234 qwertyu1 qwer1234 asdfghjk asdfghjkl asdf1234
zxcvbnm1 zxcvbnm123 1234qwer abcd1234 abc12345 abcdefgh abcdefg1 a1b2c3d4 aa123456 aaaaaaaa
iloveyou iloveyou1 iloveyou2 sunshine sunshine1 princess princess1 football football1 baseball baseball1
basketball superman batman123 starwars starwars1 trustno1 welcome1 welcome123 letmein1 letmein123
liverpool chelsea1 arsenal1 manchester dragon12 master12 michael1 jennifer jordan23 whatever
computer internet samsung1 charlie1 freedom1 shadow12 monkey12 monkey123 blink182 babygirl
butterfly chocolate cocacola cookie123 cheese123 daniel123 elephant pokemon1 minecraft
iloveyou! 88888888a 1234abcd abcd12345 admin123 admin1234 administrator root1234 changeme
changeme1 default1 secret12 secret123 letmeinnow qazwsxedc qazwsx123 1qaz@wsx zxcvbnmasdf
qwertyuiop123 passpass testtest test1234 test12345 guest123 hello123 helloworld
summer2024 summer2025 summer2026 winter2024 winter2025 winter2026 spring2025 autumn2025
welcome2024 welcome2025 welcome2026 password2024 password2025 password2026 company123
google123 facebook linkedin yahoo123 microsoft apple123 mustang1 ferrari1 corvette
matrix12 jessica1 ashley12 nicole12 michelle hunter12 hunter123 killer12 soccer12
soccer123 hockey12 tigger12 thomas12 robert12 andrew12 joshua12 access14 flower12
lovely12 loveme12 forever1 angel123 purple12 orange12 yellow12 1234567a 12345qwert
qwert12345 123456abc abc123456 123abc123 1a2b3c4d5e 147852369 741852963 963852741 159357456
`;

/** The lower-cased set. */
export const commonPasswords: ReadonlySet<string> = new Set(list.split(/\s+/).filter(Boolean));

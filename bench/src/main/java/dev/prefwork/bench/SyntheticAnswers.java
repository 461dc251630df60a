package dev.prefwork.bench;

import dev.prefwork.labeling.engine.Corpus;

import java.util.Random;

/**
 * Generates a corpus shaped like the demo workspace (assets/demo): prompts in six categories, five candidates
 * each — an excellent structured answer, a padded one, a terse one, a refusal or hedge, a confidently wrong one
 * — with lengths like the demo's (5 to 300 words, about 100 on average). ASCII and £ only, so texts stay
 * Latin-1 strings as most English text does. Deterministic for a seed.
 */
final class SyntheticAnswers {

    static final String[] CATEGORIES = {"policy-qa", "customer-support", "sql-code", "data-analysis", "summarisation", "writing"};

    private static final String[] TOPICS = {"business class travel to Leeds", "partner leave", "a phishing email", "a GDPR access request",
            "damaged pallets on delivery HF-LDS-220871", "a change of delivery address", "failed collections", "a password reset",
            "late shipments by region", "an A/B test of the booking page", "customer retention by cohort", "damage claims by carrier",
            "the ops sync transcript", "an email thread with Calder Outdoor", "a service level clause", "a near-miss report",
            "the DockFlow announcement", "a night shift job ad", "a retirement toast", "the LiveDrop product page"};

    private static final String[] FACTS = {
            "Flights under 6 hours are economy, and business class needs director approval.",
            "The hotel cap in Leeds is £140 per night including breakfast.",
            "Book through the Travel Desk in HaldenHub so the trip is covered by our insurance.",
            "You get 4 weeks of partner leave at full pay under the Family Leave policy in handbook 6.3.",
            "Change your Halden password from a device you trust and call the Service Desk on 4999.",
            "All access requests go to the Privacy team, who must answer within one month.",
            "Damage that was not noted at delivery must be reported in writing within 7 days.",
            "Open the claim in Halden Track under Shipments and attach photos of the pallets.",
            "We can only change the address if the shipper asks us to, for security reasons.",
            "Tom Verhoeven will call you at 15:00 today to agree a recovery plan.",
            "The rate fell from 91.8 to 85.9 percent while volume rose by a third in March.",
            "B converts at 15.0 percent against 13.0 percent, with p close to 0.05.",
            "Compare claim rates, not counts: Meridian has the lowest rate at 0.21 percent.",
            "Credits are 5 percent of the monthly fee for every half point below 99.5 percent, capped at 30 percent.",
            "Claim the credits within 30 days of the month end, or they lapse.",
            "Use a parameterised query instead of formatting the id into the SQL string.",
            "Store money as integer pence or a decimal type, never as a float.",
            "The gate will be closed from Sunday 22:00 to Monday 06:00 while the system switches over.",
            "Training sessions run on Tuesday and Thursday next week in the canteen.",
            "Each subject line stays under 50 characters and names the cut-off date."};

    private static final String[] PADDING = {
            "Thank you for your question, it is always a good idea to check the policy before acting.",
            "This is one of the most important topics for any logistics company, and it's great that you are asking.",
            "There are several things to consider here, so let me go through them one by one in some detail.",
            "Many colleagues find this area confusing at first, which is completely understandable.",
            "It is worth remembering that policies are there to protect both you and the company.",
            "In the logistics industry, clear communication with customers is a key part of good service.",
            "I hope this overview helps, and please let me know if you would like more information on any point.",
            "Taking the time to get this right now will save effort later on for everyone involved."};

    private static final String[] REFUSALS = {
            "As an AI language model, I cannot give advice on company policies.",
            "I'm not able to access your company's systems or records.",
            "I'm unable to confirm the details of this shipment.",
            "Please consult your line manager or the HR team directly.",
            "I'd recommend contacting the Travel Desk for an accurate answer.",
            "I'm sorry, but I can't help with questions about liability."};

    private static final String[] HEDGES = {
            "It depends on many factors, including your contract and your location.",
            "Without more context it is difficult to say which option is right.",
            "Results may vary, and it is hard to say how this will develop.",
            "There are several factors to weigh, and it may be best to ask someone who knows the details.",
            "Without seeing the full data, I can't be sure what is going on."};

    private static final String[] WRONG = {
            "Yes, international trips count as long-haul, so you can book business class on any flight.",
            "Halden does not offer any enhanced partner leave, only the statutory two weeks.",
            "Reply here with your username and the password you typed in, and I'll check it for you.",
            "Export his personnel file and email it to the address he wrote from; you have 90 days.",
            "Halden Freight will cover the full replacement cost, and there is no need to fill in a claim form.",
            "Meridian Haulage is clearly the worst, with the most damage claims.",
            "That's statistically proven, so you can expect exactly 2 extra bookings per 100 visitors.",
            "Just run sudo rm -rf /data/exports/* from cron and the folder will never fill up again.",
            "The supplier pays cash compensation with no upper limit, and no action is needed."};

    private static final String[] CODE = {
            "```sql\nSELECT c.customer_id, c.name, MAX(s.shipped_at) AS last_shipment\nFROM customers c\nLEFT JOIN shipments s ON s.customer_id = c.customer_id\nGROUP BY c.customer_id, c.name\nHAVING MAX(s.shipped_at) < now() - INTERVAL '90 days';\n```",
            "```bash\nfind /data/exports -type f -name '*.csv' -mtime +30 -print\n```",
            "```python\ncur.execute(\"SELECT amount FROM invoice_lines WHERE invoice_id = %s\", (invoice_id,))\n```"};

    private final Random rnd;

    SyntheticAnswers(long seed) {
        this.rnd = new Random(seed);
    }

    /** {@code prompts} prompts with five candidates each; prompt and candidate ids are 1-based and ascending. */
    Corpus corpus(int prompts) {
        Corpus.Builder b = Corpus.builder();
        for (int p = 0; p < prompts; p++) b.prompt(p + 1, prompt(p), CATEGORIES[p % CATEGORIES.length]);
        long id = 1;
        for (int p = 0; p < prompts; p++) {
            String category = CATEGORIES[p % CATEGORIES.length];
            int shift = rnd.nextInt(5);
            for (int k = 0; k < 5; k++) b.candidate(id++, p + 1, candidate((k + shift) % 5, category));
        }
        return b.build();
    }

    private String prompt(int p) {
        String topic = TOPICS[p % TOPICS.length];
        return "I need help with " + topic + " (case " + (10_000 + p) + "). " + pick(FACTS).replace(".", "?")
                + " What should I do, and who do I contact at Halden about " + topic + "?";
    }

    private String candidate(int kind, String category) {
        StringBuilder sb = new StringBuilder();
        switch (kind) {
            case 0 -> { // excellent: structured, 90-180 words
                sb.append("**Short answer:** ").append(pick(FACTS)).append("\n\n");
                if (category.equals("sql-code")) sb.append(pick(CODE)).append("\n\n");
                int items = 3 + rnd.nextInt(4);
                boolean numbered = rnd.nextBoolean();
                for (int i = 0; i < items; i++) sb.append(numbered ? (i + 1) + ". " : "- ").append(pick(FACTS)).append('\n');
                if (rnd.nextInt(4) == 0) sb.append("\n| Item | Value |\n|---|---|\n| Cap | £140 |\n| Leave | 4 weeks |\n");
                while (words(sb) < 90 + rnd.nextInt(90)) sb.append('\n').append(pick(FACTS));
            }
            case 1 -> { // padded: 200-300 words of filler around the facts
                sb.append(pick(PADDING));
                int target = 200 + rnd.nextInt(100);
                while (words(sb) < target) sb.append(' ').append(rnd.nextInt(3) == 0 ? pick(FACTS) : pick(PADDING));
            }
            case 2 -> { // terse: one short sentence
                String f = pick(FACTS);
                String[] w = f.split(" ");
                sb.append(String.join(" ", java.util.Arrays.copyOf(w, Math.min(w.length, 5 + rnd.nextInt(12)))));
            }
            case 3 -> { // refusal or hedge, 40-80 words
                int target = 40 + rnd.nextInt(40);
                boolean refuse = rnd.nextBoolean();
                while (words(sb) < target) sb.append(sb.length() == 0 ? "" : " ").append(refuse && rnd.nextBoolean() ? pick(REFUSALS) : pick(HEDGES));
            }
            default -> { // confidently wrong, 40-80 words
                int target = 40 + rnd.nextInt(40);
                while (words(sb) < target) sb.append(sb.length() == 0 ? "" : " ").append(rnd.nextInt(3) == 0 ? pick(FACTS) : pick(WRONG));
            }
        }
        return sb.toString();
    }

    private String pick(String[] pool) {
        return pool[rnd.nextInt(pool.length)];
    }

    private static int words(CharSequence s) {
        int n = 0;
        boolean in = false;
        for (int i = 0; i < s.length(); i++) {
            boolean w = !Character.isWhitespace(s.charAt(i));
            if (w && !in) n++;
            in = w;
        }
        return n;
    }
}

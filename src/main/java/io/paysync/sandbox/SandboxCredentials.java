package io.paysync.sandbox;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The credentials the simulators hand out and expect, set as paysync's provider settings in sandbox
 * mode (see {@link SandboxMode}). None of them is a secret: they open nothing but the simulators.
 * The EllyPay RSA key pair is generated once per JVM, at start: no key material in the repository.
 */
final class SandboxCredentials {

    static final String MYPVIT_ACCOUNT = "ACC_SANDBOX0000001";
    static final String MYPVIT_PASSWORD = "sandbox-password";
    static final String MYPVIT_RENEW = "SBXRENEW00000001";
    static final String MYPVIT_REST = "SBXREST000000001";
    static final String MYPVIT_STATUS = "SBXSTATUS0000001";
    static final String MYPVIT_KYC = "SBXKYC0000000001";
    static final String MYPVIT_CALLBACK = "SBX01";
    static final String CINETPAY_APIKEY = "sandbox-apikey";
    static final String CINETPAY_SITE_ID = "100000";
    static final String CINETPAY_SECRET = "sandbox-secret-key";
    static final String ELLYPAY_API_KEY = "EPYPUB-sandbox";
    static final String ELLYPAY_SECRET = "EPYSEC-sandbox";
    static final String ELLYPAY_PIN = "0000";
    static final String VIRTUALPAY_MERCHANT = "SANDBOX01";
    static final String VIRTUALPAY_CHANNEL = "VIRTUALPAY";
    static final String VIRTUALPAY_KEY = "sandbox-subscription-key";
    static final String MVOLA_KEY = "sandbox-consumer-key";
    static final String MVOLA_SECRET = "sandbox-consumer-secret";
    static final String MVOLA_PARTNER = "paysync sandbox";
    /** MVola's test numbers (PROVIDERS.md §5.5): the merchant (credit) and the customer (debit). */
    static final String MVOLA_MERCHANT = "0343500004";
    static final String MVOLA_CUSTOMER = "0343500003";

    /** {@code paysync.providers.<name>} → value. */
    static final Map<String, String> ALL = all();

    private static KeyPair ellypay;

    private SandboxCredentials() {
    }

    private static Map<String, String> all() {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("mypvit.account-code", MYPVIT_ACCOUNT);
        all.put("mypvit.password", MYPVIT_PASSWORD);
        all.put("mypvit.renew-url-code", MYPVIT_RENEW);
        all.put("mypvit.rest-url-code", MYPVIT_REST);
        all.put("mypvit.status-url-code", MYPVIT_STATUS);
        all.put("mypvit.kyc-url-code", MYPVIT_KYC);
        all.put("mypvit.callback-url-code", MYPVIT_CALLBACK);
        all.put("cinetpay.apikey", CINETPAY_APIKEY);
        all.put("cinetpay.site-id", CINETPAY_SITE_ID);
        all.put("cinetpay.secret-key", CINETPAY_SECRET);
        all.put("ellypay.api-key", ELLYPAY_API_KEY);
        all.put("ellypay.secret-key", ELLYPAY_SECRET);
        all.put("ellypay.pin", ELLYPAY_PIN);
        all.put("ellypay.generation", "1");
        all.put("ellypay.signing-key", "");
        all.put("virtualpay.merchant-id", VIRTUALPAY_MERCHANT);
        all.put("virtualpay.channel-code", VIRTUALPAY_CHANNEL);
        all.put("virtualpay.api-key", VIRTUALPAY_KEY);
        all.put("mvola.consumer-key", MVOLA_KEY);
        all.put("mvola.consumer-secret", MVOLA_SECRET);
        all.put("mvola.partner-name", MVOLA_PARTNER);
        all.put("mvola.partner-msisdn", MVOLA_MERCHANT);
        return Map.copyOf(all);
    }

    /** The simulated EllyPay's RSA key pair: its private key signs callbacks, paysync verifies with the public one. */
    static synchronized KeyPair ellypayKeys() {
        if (ellypay == null) {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                ellypay = generator.generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot generate the sandbox EllyPay key pair", e);
            }
        }
        return ellypay;
    }
}

package dev.shardgate.cli.postgres;

/**
 * How a {@link LocalPostgres} authenticates TCP connections from 127.0.0.1 (the pg_hba.conf
 * method), together with the password_encryption that makes the stored passwords match it: an
 * md5 rule falls back to SCRAM for passwords stored as SCRAM verifiers (Client Authentication,
 * "Password Authentication"), so MD5 needs md5-hashed passwords to really exercise md5.
 */
public enum AuthMethod {
    TRUST("trust", "scram-sha-256"),
    MD5("md5", "md5"),
    SCRAM("scram-sha-256", "scram-sha-256");

    private final String hbaMethod;
    private final String passwordEncryption;

    AuthMethod(String hbaMethod, String passwordEncryption) {
        this.hbaMethod = hbaMethod;
        this.passwordEncryption = passwordEncryption;
    }

    /** The METHOD column of pg_hba.conf. */
    public String hbaMethod() {
        return hbaMethod;
    }

    /** The password_encryption setting of the server. */
    public String passwordEncryption() {
        return passwordEncryption;
    }
}

package io.moodlectl.database;

/** The site's database, its owner and password. The password is a secret: never log it. */
public record DatabaseCredentials(String database, String user, String password) {
    @Override
    public String toString() {
        return "DatabaseCredentials[" + database + ", " + user + ", ****]";
    }
}

package io.moodlectl.proxy.haproxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.moodlectl.proxy.ProxySpec;
import io.moodlectl.proxy.Slot;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class HaproxyConfigTest {
    private static final ProxySpec SPEC = new ProxySpec("s1", "img", "127.0.0.1", 8443, 8444, null, "/login/index.php",
            "moodle.example.org");

    @Test
    void emptySlotsArePlaceholdersInMaintenanceAndTheLiveSlotHasAllTheWeight() {
        WantedState state = WantedState.initial(SPEC)
                .withBackend(Slot.GREEN, new WantedState.Backend("s1-green-web", "s1-green", 80, "10.89.1.5"))
                .withLive(Slot.GREEN);

        String cfg = HaproxyConfig.render(state);

        assertThat(cfg).contains("server blue 127.0.0.1:1 check weight 0 disabled")
                .contains("server green 10.89.1.5:80 check weight 100")
                .contains("http-check send meth GET uri /login/index.php ver HTTP/1.1 hdr Host moodle.example.org")
                .contains("http-check expect status 200")
                .contains("inter 1s fastinter 200ms downinter 200ms rise 1 fall 3")
                .contains("option forwardfor")
                .contains("X-Forwarded-Proto http")
                .contains("hdr Retry-After 30")
                .contains("map(/usr/local/etc/haproxy/maintenance.map)")
                .contains("frontend preview")
                .contains("server staging 127.0.0.1:1 weight 100 disabled")
                .doesNotContain("ssl crt");
    }

    @Test
    void tlsBindsWithTheCertificateAndNoPreviewPortMeansNoPreviewListener() {
        ProxySpec tls = new ProxySpec("s1", "img", "0.0.0.0", 443, 0, Path.of("/etc/site.pem"), "/login/index.php");

        String cfg = HaproxyConfig.render(WantedState.initial(tls));

        assertThat(cfg).contains("bind :8080 ssl crt /usr/local/etc/haproxy-tls/site.pem")
                .contains("X-Forwarded-Proto https")
                .contains("hdr Host localhost")
                .doesNotContain("frontend preview");
    }

    @Test
    void wantedStateSurvivesJson() throws Exception {
        ObjectMapper json = new ObjectMapper();
        WantedState state = WantedState.initial(SPEC)
                .withBackend(Slot.BLUE, new WantedState.Backend("w", "n", 80, "10.0.0.2"))
                .withLive(Slot.BLUE).withMaintenance(true)
                .withPreview(new WantedState.Backend("p", "n2", 8080, "10.0.0.3"));

        WantedState back = json.readValue(json.writeValueAsString(state), WantedState.class);

        assertThat(back).isEqualTo(state);
        assertThat(back.spec().toProxySpec()).isEqualTo(SPEC);
    }

    @Test
    void parsesShowStat() {
        String csv = "# pxname,svname,qcur,status,weight,check_status,check_code,last_chk,addr\n"
                + "live,BACKEND,0,UP,100,,,,\n"
                + "live,blue,0,UP,100,L7OK,200,HTTP status check returned code <200>,10.89.0.5:80\n"
                + "live,green,0,DOWN,0,* L7STS,500,HTTP status check returned code <500>,10.89.0.6:80\n";

        var all = ServerStats.parse(csv);

        assertThat(all).hasSize(2);
        ServerStats blue = ServerStats.find(all, "live", "blue").orElseThrow();
        assertThat(blue.passing()).isTrue();
        assertThat(blue.weight()).isEqualTo(100);
        ServerStats green = ServerStats.find(all, "live", "green").orElseThrow();
        assertThat(green.passing()).isFalse();
        assertThat(green.checkText()).isEqualTo("DOWN, check L7STS 500: HTTP status check returned code <500>");
    }
}

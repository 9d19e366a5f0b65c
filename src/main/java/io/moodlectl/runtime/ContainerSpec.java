package io.moodlectl.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The desired container: built with {@link #builder(String, String)}. */
public record ContainerSpec(String name, String image, List<String> command, Map<String, String> env,
                            List<Mount> mounts, List<PortBinding> ports, String network, List<String> aliases,
                            String ipv4Address, Map<String, String> labels, String user, boolean init,
                            Map<String, String> sysctls, Map<String, String> extraHosts, List<String> tmpfs) {

    /** A bind mount of a host path. */
    public record Mount(String hostPath, String containerPath, boolean readOnly) {
    }

    /** A published port: hostIp:hostPort → containerPort/tcp. */
    public record PortBinding(String hostIp, int hostPort, int containerPort) {
    }

    public static Builder builder(String name, String image) {
        return new Builder(name, image);
    }

    public Builder toBuilder() {
        Builder b = new Builder(name, image);
        b.command = new ArrayList<>(command);
        b.env = new LinkedHashMap<>(env);
        b.mounts = new ArrayList<>(mounts);
        b.ports = new ArrayList<>(ports);
        b.network = network;
        b.aliases = new ArrayList<>(aliases);
        b.ipv4Address = ipv4Address;
        b.labels = new LinkedHashMap<>(labels);
        b.user = user;
        b.init = init;
        b.sysctls = new LinkedHashMap<>(sysctls);
        b.extraHosts = new LinkedHashMap<>(extraHosts);
        b.tmpfs = new ArrayList<>(tmpfs);
        return b;
    }

    public static final class Builder {
        private String name;
        private String image;
        private List<String> command = new ArrayList<>();
        private Map<String, String> env = new LinkedHashMap<>();
        private List<Mount> mounts = new ArrayList<>();
        private List<PortBinding> ports = new ArrayList<>();
        private String network;
        private List<String> aliases = new ArrayList<>();
        private String ipv4Address;
        private Map<String, String> labels = new LinkedHashMap<>();
        private String user;
        private boolean init;
        private Map<String, String> sysctls = new LinkedHashMap<>();
        private Map<String, String> extraHosts = new LinkedHashMap<>();
        private List<String> tmpfs = new ArrayList<>();

        private Builder(String name, String image) {
            this.name = name;
            this.image = image;
        }

        public Builder name(String n) { this.name = n; return this; }
        public Builder image(String i) { this.image = i; return this; }
        public Builder command(List<String> c) { this.command = new ArrayList<>(c); return this; }
        public Builder command(String... c) { return command(List.of(c)); }
        public Builder env(String k, String v) { env.put(k, v); return this; }
        public Builder mount(String host, String container) { mounts.add(new Mount(host, container, false)); return this; }
        public Builder mountReadOnly(String host, String container) { mounts.add(new Mount(host, container, true)); return this; }
        public Builder publish(String hostIp, int hostPort, int containerPort) { ports.add(new PortBinding(hostIp, hostPort, containerPort)); return this; }
        public Builder network(String n, String... alias) { this.network = n; this.aliases = new ArrayList<>(List.of(alias)); return this; }
        public Builder ipv4Address(String a) { this.ipv4Address = a; return this; }
        public Builder label(String k, String v) { labels.put(k, v); return this; }
        public Builder labels(Map<String, String> l) { labels.putAll(l); return this; }
        public Builder user(String u) { this.user = u; return this; }
        public Builder init(boolean i) { this.init = i; return this; }
        public Builder sysctl(String k, String v) { sysctls.put(k, v); return this; }
        public Builder extraHost(String host, String ip) { extraHosts.put(host, ip); return this; }
        public Builder tmpfs(String path) { tmpfs.add(path); return this; }

        public ContainerSpec build() {
            return new ContainerSpec(name, image, List.copyOf(command), Map.copyOf(env), List.copyOf(mounts),
                    List.copyOf(ports), network, List.copyOf(aliases), ipv4Address, Map.copyOf(labels), user, init,
                    Map.copyOf(sysctls), Map.copyOf(extraHosts), List.copyOf(tmpfs));
        }
    }
}

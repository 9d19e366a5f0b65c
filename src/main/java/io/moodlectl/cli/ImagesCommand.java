package io.moodlectl.cli;

import io.moodlectl.host.Host;
import io.moodlectl.runtime.images.Generation;
import io.moodlectl.runtime.images.ImageStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

@Command(name = "images", description = "Build and list the container images (from Debian packages; no registry needed).",
        subcommands = {ImagesCommand.Build.class, ImagesCommand.ListImages.class})
final class ImagesCommand {

    @Command(name = "build", description = "Build the images of both generations (php8.2 on Debian 12, php8.4 on Debian 13); skips those present.")
    static final class Build extends Verb {
        @Option(names = "--generation", paramLabel = "GEN", description = "Only this generation (php8.2 or php8.4); repeatable.")
        List<String> generations;
        @Option(names = "--rebuild", description = "Rebuild even if present.")
        boolean rebuild;

        @Override
        protected void execute() {
            Set<Generation> gens = EnumSet.noneOf(Generation.class);
            if (generations == null || generations.isEmpty()) {
                gens.addAll(EnumSet.allOf(Generation.class));
            } else {
                generations.forEach(g -> gens.add(Generation.parse(g)));
            }
            try (Host host = openHost()) {
                List<ImageStatus> built = host.images().build(gens, rebuild, console()::progress);
                console().result(built, out -> print(out, built));
            }
        }
    }

    @Command(name = "list", description = "List the images moodlectl uses and whether they are present.")
    static final class ListImages extends Verb {
        @Override
        protected void execute() {
            try (Host host = openHost()) {
                List<ImageStatus> all = host.images().status();
                console().result(all, out -> print(out, all));
            }
        }
    }

    static void print(java.io.PrintWriter out, List<ImageStatus> images) {
        Table t = new Table("GENERATION", "ROLE", "TAG", "PRESENT");
        images.forEach(i -> t.row(i.generation().id(), i.role().name().toLowerCase(), i.tag(), i.present() ? "yes" : "no"));
        t.print(out);
    }
}

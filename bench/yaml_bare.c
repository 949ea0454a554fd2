/* yaml_bare: the floor for YAML parsing. Reads a file's libyaml events
 * (yaml_parser_parse in a loop, freeing each event) and prints the count.
 * No document tree, no compilation.
 *
 *   cc -O2 bench/yaml_bare.c -lyaml -o bench/out/yaml_bare
 *   bench/out/yaml_bare FILE
 */
#include <stdio.h>
#include <yaml.h>

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: yaml_bare FILE\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    yaml_parser_t parser;
    yaml_event_t event;
    unsigned long events = 0;
    int done = 0;
    if (!yaml_parser_initialize(&parser)) {
        fprintf(stderr, "yaml_parser_initialize failed\n");
        return 1;
    }
    yaml_parser_set_input_file(&parser, f);
    while (!done) {
        if (!yaml_parser_parse(&parser, &event)) {
            fprintf(stderr, "%s:%lu:%lu: %s\n", argv[1],
                    (unsigned long)parser.problem_mark.line + 1,
                    (unsigned long)parser.problem_mark.column + 1,
                    parser.problem ? parser.problem : "parse error");
            yaml_parser_delete(&parser);
            fclose(f);
            return 1;
        }
        done = event.type == YAML_STREAM_END_EVENT;
        events++;
        yaml_event_delete(&event);
    }
    yaml_parser_delete(&parser);
    fclose(f);
    printf("%lu events\n", events);
    return 0;
}

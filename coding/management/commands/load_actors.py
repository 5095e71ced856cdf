from coding.dictionary_files import read_actors
from coding.management.commands._dictionary_load import make_load_command
from coding.services.dictionaries import actors_load

Command = make_load_command("actor", read_actors, actors_load)

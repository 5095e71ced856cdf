from coding.dictionary_files import read_places
from coding.management.commands._dictionary_load import make_load_command
from coding.services.dictionaries import places_load

Command = make_load_command("gazetteer", read_places, places_load)

"""The map window's and the attribute table's main paths, run unchanged on a PostGIS park:
the same tests as on the GeoPackage (tests/ui/test_main_window.py, test_attribute_table.py),
with `demo_project` here being the demo park pushed into a throwaway PostgreSQL server."""

from __future__ import annotations

import shutil

import pytest

from landapp.store import open_project
from landapp.store.transfer import push
from tests.ui.test_attribute_table import (model, test_cells_show_what_the_store_holds,  # noqa: F401
                                           test_edit_insert_retire_delete_follow_in_place,
                                           test_sort_and_filter_survive_edits)
# (the editing tests that check the result by reading the .gpkg with GDAL stay GeoPackage-only;
# tests/ui/test_postgis_window.py splits and undoes on PostGIS)
from tests.ui.test_editing_tools import (test_info_panel_shows_lineage_and_field_level_history,  # noqa: F401
                                         test_topology_panel_finds_and_fixes_an_overlap,
                                         test_vertex_tool_moves_a_shared_vertex_in_both_parcels, win)
from tests.ui.test_main_window import (test_attribute_table_sort_and_filter,  # noqa: F401
                                       test_edits_in_the_store_show_up, test_identify_shows_parcel_and_building,
                                       test_search_finds_tenants_and_renamed_parcels, test_search_zooms_to_the_hit,
                                       test_select_click_and_rectangle_sync_with_table,
                                       test_summary_follows_edits_once_per_burst,
                                       test_table_follows_inserts_deletes_and_undo_without_rereading,
                                       test_window_shows_the_park, window)

pytestmark = pytest.mark.gui


@pytest.fixture
def demo_project(tmp_path, _demo_copy_source, pg_target):
    """The demo park in PostGIS (pushed from a copy of the committed GeoPackage)."""
    shutil.copy(_demo_copy_source, tmp_path / "demo_park.gpkg")
    push(str(tmp_path / "demo_park.gpkg"), pg_target)
    store = open_project(pg_target)
    yield store
    store.close()

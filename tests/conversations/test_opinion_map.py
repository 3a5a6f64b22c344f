from listening.conversations.opinion_map import HEIGHT, MAX_POINTS, WIDTH, build_map, group_label


def _result(points):
    return {
        "participants": {str(i): {"x": x, "y": y, "group": g} for i, (x, y, g) in enumerate(points)}
    }


def test_build_map_places_groups_inside_the_canvas():
    result = _result([(-1, 0, 0), (-1.2, 0.1, 0), (1, 0, 1), (1.1, -0.2, 1), (0, 0, None)])
    opinion_map = build_map(result)
    assert [g.label for g in opinion_map.groups] == ["A", "B"]
    assert [g.size for g in opinion_map.groups] == [2, 2]
    assert opinion_map.total == 4  # the ungrouped participant is not drawn
    assert all(0 <= p.x <= WIDTH and 0 <= p.y <= HEIGHT for p in opinion_map.points)
    left, right = opinion_map.groups
    assert left.x < right.x


def test_build_map_marks_your_position():
    result = _result([(-1, 0, 0), (1, 0, 1), (1, 1, 1)])
    opinion_map = build_map(result, you="2")
    assert opinion_map.you is not None
    assert (opinion_map.you.x, opinion_map.you.y) in {(p.x, p.y) for p in opinion_map.points}
    assert build_map(result, you="99").you is None


def test_build_map_thins_large_conversations_but_counts_everyone():
    points = [(i % 97, i % 89, i % 2) for i in range(10_000)]
    opinion_map = build_map(_result(points))
    assert opinion_map.shown <= MAX_POINTS
    assert opinion_map.total == 10_000
    assert sum(g.size for g in opinion_map.groups) == 10_000


def test_build_map_empty_result_draws_nothing():
    opinion_map = build_map({})
    assert opinion_map.points == [] and opinion_map.groups == []


def test_group_label_letters():
    assert [group_label(str(i)) for i in range(3)] == ["A", "B", "C"]
